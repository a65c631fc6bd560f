"""Progress bars: tqdm without its monitor thread.

tqdm starts a monitor thread with its first bar (even a disabled one); a build forks its output
processes only while it runs a single thread (kg.runtime.output_process), so its bars do without one.
"""

from __future__ import annotations

from tqdm import tqdm


class Bar(tqdm):  # type: ignore[type-arg]
    """A tqdm bar that starts no monitor thread (the monitor only tunes the refresh of stalled bars)."""

    monitor_interval = 0
