import { describe, expect, it } from "vitest";
import type { Task } from "../api/types";
import { compareKeys } from "../lib/position";
import { dropOf, type ReorderGroup } from "./SortableTasks";

const task = (id: number, position: string) => ({ id, position, title: `t${id}` }) as Task;
const group: ReorderGroup = { key: "all", tasks: [task(1, "a0"), task(2, "a1"), task(3, "a2"), task(4, "a3")] };
const between = (key: string | undefined, low: string, high: string) =>
  key !== undefined && compareKeys(low, key) < 0 && compareKeys(key, high) < 0;

describe("dropOf", () => {
  it("moves down: the key between the row dropped on and the one after it", () => {
    const drop = dropOf([group], 1, 3, true, true);
    expect(drop?.to).toBe(2);
    expect(between(drop?.position, "a2", "a3")).toBe(true);
  });

  it("moves up: the key between the row before the one dropped on and it", () => {
    const drop = dropOf([group], 4, 2, true, true);
    expect(drop?.to).toBe(1);
    expect(between(drop?.position, "a0", "a1")).toBe(true);
  });

  it("goes to the ends of a list that starts and ends on the page", () => {
    expect(compareKeys(dropOf([group], 3, 1, true, true)!.position!, "a0")).toBe(-1);
    expect(compareKeys(dropOf([group], 2, 4, true, true)!.position!, "a3")).toBe(1);
  });

  it("refuses the page's ends when the list goes on past them", () => {
    expect(dropOf([group], 3, 1, false, true)?.position).toBeUndefined();
    expect(dropOf([group], 2, 4, true, false)?.position).toBeUndefined();
    expect(dropOf([group], 4, 2, false, false)?.position).toBeDefined();
  });

  it("does not move onto itself nor into another group", () => {
    expect(dropOf([group], 2, 2, true, true)?.position).toBeUndefined();
    const other: ReorderGroup = { key: "9", tasks: [task(5, "a4")] };
    expect(dropOf([group, other], 2, 5, true, true)).toBeUndefined();
  });
});
