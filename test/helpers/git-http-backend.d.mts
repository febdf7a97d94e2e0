export interface ServerState {
  mode: 'git' | 'garbage' | 'error500' | 'hang';
  requests: string[];
}
export function serveGitHttp(root: string, opts?: { auth?: { user: string; password: string } }): Promise<{ port: number; state: ServerState; close(): Promise<void> }>;
