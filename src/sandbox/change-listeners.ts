// Who wants to hear that a local fake's state changed (the sandbox record, the console, tests).

export class ChangeListeners {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly name: string) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        // A listener's bug must not fail the API call that changed the state, for the app under test.
        process.emitWarning(
          `${this.name} onChange listener failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
  }
}
