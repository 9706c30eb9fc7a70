/** A real server started for tests. */
export interface TestService {
  /** Where to connect: `redis://127.0.0.1:PORT` or `postgres://postgres@127.0.0.1:PORT/DB`. */
  url: string;
  /** Stops the server gracefully, on the same port with the same data, and starts it again once it is ready. */
  restart(): Promise<void>;
  /** Stops the server (killing it if it does not stop in time) and removes its temp dir. */
  stop(): Promise<void>;
}
