"""Reading what worker processes left behind: their pool's processes, the lines of a log."""

from pathlib import Path


def pool_children(pid):
    """The pids of the live processes `pid` started (a prefork worker's pool)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue  # gone meanwhile
        if int(ppid) == pid and state != "Z":  # not a killed one its parent has yet to reap
            children.append(int(stat.parent.name))
    return children


def lines(path):
    return path.read_text().split() if path.exists() else []
