// Dark mode: follow the system unless the user picked light or dark (kept in localStorage).
import { useEffect, useState } from "react";

export type ThemeChoice = "system" | "light" | "dark";
const KEY = "taskflow.theme";

function stored(): ThemeChoice {
  const value = typeof localStorage !== "undefined" ? localStorage.getItem(KEY) : null;
  return value === "light" || value === "dark" ? value : "system";
}

export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", choice);
}

export function useTheme(): [ThemeChoice, () => void] {
  const [choice, setChoice] = useState<ThemeChoice>(stored);
  useEffect(() => {
    applyTheme(choice);
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  }, [choice]);
  const next = () => setChoice((c) => (c === "system" ? "light" : c === "light" ? "dark" : "system"));
  return [choice, next];
}
