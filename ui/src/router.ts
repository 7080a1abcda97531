/**
 * Where the panel is: a path such as `/projects/3/tasks` kept in the URL fragment on the standalone
 * page, or in memory when mounted inside Odoo (whose web client owns the URL). Views register a
 * guard while they hold unsaved changes; leaving asks first.
 */
export interface Location {
  path: string;
  segments: string[];
  query: URLSearchParams;
}

export type LeaveGuard = () => boolean;

function parse(path: string): Location {
  const [pathname = '/', search = ''] = path.split('?');
  return { path, segments: pathname.split('/').filter(Boolean), query: new URLSearchParams(search) };
}

export class Router extends EventTarget {
  private current: Location;
  private readonly guards = new Set<LeaveGuard>();
  private readonly onHashChange = () => this.fromHash();

  constructor(
    readonly mode: 'hash' | 'memory',
    initial = '/projects',
  ) {
    super();
    this.current = parse(mode === 'hash' ? location.hash.replace(/^#/, '') || initial : initial);
    if (mode === 'hash') window.addEventListener('hashchange', this.onHashChange);
  }

  get location(): Location {
    return this.current;
  }

  /** The href of a path for links (`#/…` on the standalone page). */
  href(path: string): string {
    return this.mode === 'hash' ? `#${path}` : path;
  }

  /** Registers a guard asked before leaving; returns its removal. */
  guard(guard: LeaveGuard): () => void {
    this.guards.add(guard);
    return () => this.guards.delete(guard);
  }

  mayLeave(): boolean {
    return [...this.guards].every((guard) => guard());
  }

  navigate(path: string): void {
    if (path === this.current.path || !this.mayLeave()) return;
    this.guards.clear();
    if (this.mode === 'hash') history.pushState(null, '', `#${path}`);
    this.current = parse(path);
    this.dispatchEvent(new Event('change'));
  }

  private fromHash(): void {
    const path = location.hash.replace(/^#/, '') || '/projects';
    if (path === this.current.path) return;
    if (!this.mayLeave()) {
      history.pushState(null, '', `#${this.current.path}`);
      return;
    }
    this.guards.clear();
    this.current = parse(path);
    this.dispatchEvent(new Event('change'));
  }

  dispose(): void {
    window.removeEventListener('hashchange', this.onHashChange);
  }
}
