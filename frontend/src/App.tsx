// Providers and the top-level routes.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError } from "./api/client";
import { AuthProvider, useAuth } from "./auth/AuthProvider";
import { ForgotPasswordPage } from "./auth/ForgotPasswordPage";
import { ResetPasswordPage } from "./auth/ResetPasswordPage";
import { SignInPage } from "./auth/SignInPage";
import { SignUpPage } from "./auth/SignUpPage";
import { VerifyEmailPage } from "./auth/VerifyEmailPage";
import { AppShell } from "./components/AppShell";
import { navigate, useLocation } from "./lib/router";
import { ConfirmProvider } from "./lib/confirm";
import { ToastProvider } from "./lib/toast";
import "./App.css";

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

const SIGNED_OUT_ONLY = ["/login", "/signup", "/forgot-password"];

function Routes() {
  const { status } = useAuth();
  const location = useLocation();
  const path = location.path;

  const goSignIn =
    status === "signedOut" && !SIGNED_OUT_ONLY.includes(path) && path !== "/reset-password" && path !== "/verify-email";
  const goHome = status === "signedIn" && SIGNED_OUT_ONLY.includes(path);
  useEffect(() => {
    if (goSignIn) {
      const next =
        path === "/" ? "" : `?next=${encodeURIComponent(path + (location.search.size ? `?${location.search}` : ""))}`;
      navigate(`/login${next}`, { replace: true });
    } else if (goHome) navigate("/", { replace: true });
  }, [goSignIn, goHome, path, location.search]);

  if (path === "/reset-password") return <ResetPasswordPage />;
  if (path === "/verify-email") return <VerifyEmailPage />;
  if (status === "loading" || goSignIn || goHome) {
    return (
      <div className="splash" role="status" aria-live="polite">
        Loading TaskFlow…
      </div>
    );
  }
  if (status === "signedOut") {
    if (path === "/signup") return <SignUpPage />;
    if (path === "/forgot-password") return <ForgotPasswordPage />;
    return <SignInPage />;
  }
  return <AppShell />;
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <ConfirmProvider>
          <AuthProvider>
            <Routes />
          </AuthProvider>
        </ConfirmProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}
