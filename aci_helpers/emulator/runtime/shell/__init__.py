"""The simulated container process: a POSIX-shell :class:`~.machine.Machine` over a simulated
clock, and the commands every image family has (the shell's builtins, the Linux utilities).

``parse`` reads shell code; ``machine`` holds a process's state, clock and output and runs
its argv; ``execute`` and ``expand`` run the syntax tree and expand words; ``replay``
summarises loops whose lines change with the time only; ``builtin`` and ``utilities`` are
the commands; ``messages`` what each shell flavour prints on an error. The command table a
machine runs is built by ``launch.py`` and handed to it.
"""
