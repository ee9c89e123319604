// Providers around the router (the pages and their URLs are in routes.tsx).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { useState } from "react";
import { ApiError } from "./api/client";
import { AuthProvider } from "./auth/AuthProvider";
import { ConfirmProvider } from "./lib/confirm";
import { ToastProvider } from "./lib/toast";
import { makeRouter } from "./routes";
import "./App.css";

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
      // A change made offline fails at once with a message (and its optimistic edit is rolled
      // back) instead of waiting, unseen, in a queue that a closed tab would lose.
      mutations: { networkMode: "always" },
    },
  });
}

export function App() {
  const [queryClient] = useState(makeQueryClient);
  const [router] = useState(makeRouter);
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <ConfirmProvider>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </ConfirmProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}
