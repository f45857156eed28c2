"""Resident memory of this process, from /proc (Linux): now, and the peak since a reset."""

from pathlib import Path


def status_mib(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS: now, VmHWM: the peak) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise LookupError(field)


def reset_peak() -> float:
    """Reset the peak RSS (VmHWM; Linux ≥ 4.0) to the RSS now, and return that."""
    Path("/proc/self/clear_refs").write_text("5")
    return status_mib("VmRSS")
