"""A progress bar on stderr for crawls run from the command line (rich).

    with progress_callback() as progress:
        result = asyncio.run(Crawler(config).run(on_page=..., progress=progress))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def progress_callback(
    description: str = "抓取与链接检查", console: Console | None = None
) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a bar until the block ends, when it is erased (the
    command prints its summary next). The total grows as the crawl discovers pages and links; nothing is
    drawn when the console is not a terminal."""
    console = console or Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, done))

        yield update
