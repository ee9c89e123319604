import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
// Global styles first: each component imports its own after these.
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/controls.css";
import { App } from "./App";
import { registerServiceWorker } from "./lib/pwa";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

registerServiceWorker();
