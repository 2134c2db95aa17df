"""Scroll views whose scrollbar is repainted only when its thumb moves on screen."""

from __future__ import annotations

from math import ceil

from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar


def _thumb(bar: ScrollBar, position: float, virtual: float) -> tuple[int, int] | None:
    """Where a vertical scrollbar draws its thumb, in eighths of a cell (as Textual draws it):
    its first eighth and its length; None without a thumb."""
    size, window = bar.size.height, bar.window_size
    window = ceil(window) if window < virtual else 0
    virtual = ceil(virtual)
    if not (window and size and virtual and size != virtual):
        return None
    thumb = max(1, window / (virtual / size))
    start = (size - thumb) * bar.validate_position(position) / (virtual - window)
    return int(start * 8), ceil(thumb * 8)


class SteadyScrollView(ScrollView):
    """A ScrollView whose vertical scrollbar is repainted only when its thumb moves on screen.

    Textual repaints the whole bar on every change of the scroll position or the virtual
    height, which costs as much as repainting the text; in a long document the thumb moves
    one eighth of a cell in hundreds of rows. The bar's values are kept exact (dragging uses
    them), only the repaint is left out.
    """

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if self.show_vertical_scrollbar:
            self.set_scrollbar(position=new_value)
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)

    def set_scrollbar(self, *, position: float | None = None, virtual: int | None = None) -> None:
        """Give the vertical scrollbar a new position or virtual height."""
        bar = self.vertical_scrollbar
        old = (bar.position, bar.window_virtual_size)
        new = (old[0] if position is None else position, old[1] if virtual is None else virtual)
        if _thumb(bar, *new) != _thumb(bar, *old):
            bar.position, bar.window_virtual_size = new
            return
        bar.set_reactive(ScrollBar.position, bar.validate_position(new[0]))
        bar.set_reactive(ScrollBar.window_virtual_size, new[1])
