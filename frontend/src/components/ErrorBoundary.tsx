// Keeps one failing part of a screen (a panel, a section) from taking the whole page
// down: what threw is replaced by a short message, the rest stays usable.
import { Component, type ErrorInfo, type ReactNode } from "react";

type Props = { what: string; children: ReactNode };
type State = { error: Error | null };

export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.what} failed to render`, error, info.componentStack);
  }

  render(): ReactNode {
    if (this.state.error) {
      return (
        <p className="pad" role="alert">
          {this.props.what} couldn't be shown. Reload the page to try again.
        </p>
      );
    }
    return this.props.children;
  }
}
