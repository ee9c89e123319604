// The frame around the signed-out screens.
import type { ReactNode } from "react";
import "./AuthCard.css";

export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="brand auth-brand" aria-hidden="true">
          <span className="brand-mark">✓</span> TaskFlow
        </div>
        <h1>{title}</h1>
        {children}
        {footer && <div className="auth-footer">{footer}</div>}
      </div>
    </main>
  );
}
