// The keyboard half of dragging between groups (days in Today/Upcoming, columns on the board
// by section): an arrow moves a picked-up item to the next or previous droppable along one
// axis, whole groups at a time, instead of dnd-kit's default 25-pixel steps.
import type { KeyboardCoordinateGetter } from "@dnd-kit/core";

type Rect = { top: number; left: number; width: number; height: number };
type Coordinates = { x: number; y: number };

const AXES = {
  vertical: { start: "top", size: "height", forward: "ArrowDown", back: "ArrowUp" },
  horizontal: { start: "left", size: "width", forward: "ArrowRight", back: "ArrowLeft" },
} as const;

/**
 * A coordinate getter for dnd-kit's KeyboardSensor: on the axis's arrows, the droppable after
 * (or before) the one the item's centre is in; `land` says where in it the item is put.
 */
export function neighbourOnAxis(
  axis: keyof typeof AXES,
  land: (target: Rect, item: Rect) => Coordinates,
): KeyboardCoordinateGetter {
  const { start, size, forward, back } = AXES[axis];
  return (event, { context: { collisionRect, droppableContainers } }) => {
    if (!collisionRect || (event.code !== forward && event.code !== back)) return undefined;
    event.preventDefault();
    const centre = collisionRect[start] + collisionRect[size] / 2;
    const rects = droppableContainers
      .getEnabled()
      .map((c) => c.rect.current)
      .filter((r): r is NonNullable<typeof r> => !!r)
      .sort((a, b) => a[start] - b[start]);
    const inside = rects.findIndex((r) => centre >= r[start] && centre < r[start] + r[size]);
    const index =
      inside === -1
        ? event.code === forward
          ? rects.findIndex((r) => r[start] > centre)
          : rects.findLastIndex((r) => r[start] + r[size] < centre)
        : inside + (event.code === forward ? 1 : -1);
    const target = rects[index];
    return target ? land(target, collisionRect) : undefined;
  };
}
