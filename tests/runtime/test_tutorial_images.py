"""The tutorial's three images, checked against the published outputs."""

from __future__ import annotations

import pprint

import pytest

from aci_helpers.emulator.runtime.programs.wordcount import plays

from .conftest import HELLO, ROMEO, SIDECAR, WORDCOUNT, lines

HAMLET_DEFAULT = ("[('the', 990), ('and', 702), ('of', 628), ('to', 610), ('I', 544), "
                  "('you', 495), ('a', 453), ('my', 441), ('in', 399), ('HAMLET', 386)]")
HAMLET_5_8 = ("[('CLAUDIUS', 120), ('POLONIUS', 113), ('GERTRUDE', 82), ('ROSENCRANTZ', 69), "
              "('GUILDENSTERN', 54)]")
ROMEO_5_8 = ("[('BENVOLIO', 74), ('MERCUTIO', 69), ('LAURENCE', 65), ('Montague', 21), "
             "('MONTAGUE', 20)]")


def _published(one_line: str) -> str:
    """The README prints the lists on one line; pprint wraps them at 80 columns."""
    return pprint.pformat(eval(one_line)) + "\n"  # a literal from this file


def test_wordcount_default_hamlet(run):
    prog = run(WORDCOUNT)
    assert prog.exit_code == 0 and 0 < prog.exit_after < 30
    text = "".join(line + "\n" for line in lines(prog))
    assert text == _published(HAMLET_DEFAULT)
    assert text.splitlines()[0] == "[('the', 990),"
    assert text.splitlines()[-1] == " ('HAMLET', 386)]"
    # nothing printed before the download finished
    assert prog.output(prog.exit_after - 0.01) == []


def test_wordcount_hamlet_env(run):
    prog = run(WORDCOUNT, env={"NumWords": "5", "MinLength": "8"})
    assert "".join(s + "\n" for s in lines(prog)) == _published(HAMLET_5_8)


def test_wordcount_docs_task_romeo(run):
    prog = run(WORDCOUNT, ["python", "wordcount.py", ROMEO], env={"NumWords": "5", "MinLength": "8"})
    assert prog.exit_code == 0
    assert "".join(s + "\n" for s in lines(prog)) == _published(ROMEO_5_8)


def test_wordcount_short_list_is_one_line(run):
    prog = run(WORDCOUNT, env={"NumWords": "3"})
    assert lines(prog) == ["[('the', 990), ('and', 702), ('of', 628)]"]


def test_wordcount_zero_and_https(run):
    assert lines(run(WORDCOUNT, env={"NumWords": "0"})) == ["[]"]
    prog = run(WORDCOUNT, ["python", "wordcount.py", ROMEO.replace("http:", "https:")],
               env={"NumWords": "1"})
    assert lines(prog) == [f"[{tuple(plays()['shakespeare.mit.edu/romeo_juliet/full.html'][0])!r}]"]


@pytest.mark.parametrize("url, last", [
    ("http://shakespeare.mit.edu/macbeth/full.html", "urllib.error.HTTPError: HTTP Error 404: Not Found"),
    ("http://example.invalid/x", "urllib.error.URLError: <urlopen error [Errno -2] Name or service not known>"),
    ("hamlet", "ValueError: unknown url type: 'hamlet'"),
])
def test_wordcount_bad_url_traceback(run, url, last):
    prog = run(WORDCOUNT, ["python", "wordcount.py", url])
    out = lines(prog)
    assert prog.exit_code == 1
    assert out[0] == "Traceback (most recent call last):"
    assert out[-1] == last


@pytest.mark.parametrize("var", ["NumWords", "MinLength"])
def test_wordcount_bad_int(run, var):
    prog = run(WORDCOUNT, env={var: "ten"})
    out = lines(prog)
    assert prog.exit_code == 1
    assert out[-1] == "ValueError: invalid literal for int() with base 10: 'ten'"


def test_helloworld_alone(run):
    prog = run(HELLO)
    assert prog.exit_after is None and prog.exit_code is None
    assert lines(prog, 3600) == ["listening on port 80"]


def test_helloworld_with_sidecar_logs_each_request(run):
    prog = run(HELLO, peers=[SIDECAR], started_at=1553210268.0)  # 2019-03-21 23:17:48Z
    out = prog.output(7)
    assert [t for t, _ in out] == [0.0, 0.0, 3.0, 6.0]
    assert out[0][1] == "listening on port 80"
    assert out[1][1] == '::1 - - [21/Mar/2019:23:17:48 +0000] "HEAD / HTTP/1.1" 200 1663 "-" "curl/7.54.0"'
    assert out[2][1] == '::1 - - [21/Mar/2019:23:17:51 +0000] "HEAD / HTTP/1.1" 200 1663 "-" "curl/7.54.0"'


def test_helloworld_port_env(run):
    assert lines(run(HELLO, env={"PORT": "8080"}), 1) == ["listening on port 8080"]


def test_sidecar_with_helloworld(run):
    prog = run(SIDECAR, peers=[HELLO], started_at=1553200601.0)  # 2019-03-21 20:36:41Z
    first = lines(prog, 2)
    assert first == [
        "Every 3s: curl -I http://localhost                          2019-03-21 20:36:41",
        "",
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
        "                                 Dload  Upload   Total   Spent    Left  Speed",
        "  0  1663    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0",
        "HTTP/1.1 200 OK",
        "X-Powered-By: Express",
        "Accept-Ranges: bytes",
        "Cache-Control: public, max-age=0",
        "Last-Modified: Wed, 29 Nov 2017 06:40:40 GMT",
        'ETag: W/"67f-16006818640"',
        "Content-Type: text/html; charset=UTF-8",
        "Content-Length: 1663",
        "Date: Thu, 21 Mar 2019 20:36:41 GMT",
        "Connection: keep-alive",
        "",
    ]
    assert len(first[0]) == 79
    assert prog.exit_after is None
    later = prog.output(3)[len(first):]
    assert later[0] == (3.0, "Every 3s: curl -I http://localhost                          2019-03-21 20:36:44")


def test_sidecar_alone_gets_connection_refused(run):
    out = lines(run(SIDECAR), 1)
    assert out[-1] == "curl: (7) Failed to connect to localhost port 80: Connection refused"


def test_sidecar_schedule_matches_helloworld_log(run):
    side = run(SIDECAR, peers=[HELLO])
    web = run(HELLO, peers=[SIDECAR])
    requests = [t for t, s in side.output(100) if s == "HTTP/1.1 200 OK"]
    access = [t for t, s in web.output(100) if "HEAD / HTTP/1.1" in s]
    assert requests == access and len(access) == 34


@pytest.mark.parametrize("image", ["microsoft/aci-helloworld", "microsoft/aci-tutorial-sidecar",
                                   "microsoft/aci-wordcount"])
def test_docker_hub_names_behave_the_same(run, image):
    mcr = image.replace("microsoft/", "mcr.microsoft.com/azuredocs/")
    assert lines(run(image), 10) == lines(run(mcr), 10)
