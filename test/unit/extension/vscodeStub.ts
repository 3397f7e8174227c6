// A stand-in `vscode` module for plain-Node unit tests of host code that imports vscode (commands,
// the run panel). Import this file FIRST in a test: it hooks Node's module loader so that the
// bundled test's `require("vscode")` (vscode is external in esbuild.mjs) gets this object. It covers
// what the commands and the panel touch; anything else is a permissive stub, so a module that only
// mentions an API at load time still loads. Tests read and set `vscodeStub` (trust, dialogs, calls).
import Module from 'node:module';
import * as path from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/** A file URI with the parts the host code reads. */
export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  get path(): string {
    return this.fsPath;
  }
  static file(p: string): Uri {
    return new Uri('file', path.resolve(p));
  }
  /** Like vscode's: joins and normalizes (`..` segments are resolved). */
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return new Uri(base.scheme, path.join(base.fsPath, ...segments));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

class EventEmitter<T> {
  private listeners = new Set<(e: T) => void>();
  readonly event = (listener: (e: T) => void): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class TreeItem {
  constructor(
    public label: unknown,
    public collapsibleState?: number,
  ) {}
}

/** A callable, constructible stub whose every member is another stub (for APIs a test never uses). */
function anything(): unknown {
  const target = function stub(): void {};
  return new Proxy(target, {
    get: (_t, prop) => (prop === 'then' || typeof prop === 'symbol' ? undefined : anything()),
    apply: () => Promise.resolve(undefined),
    construct: () => anything() as object,
  });
}

/** What the tests observe and steer. */
export const vscodeStub = {
  /** `vscode.workspace.isTrusted`. */
  trusted: true,
  /** The only workspace folder. */
  folder: path.resolve('/tmp/bilevel-stub-workspace'),
  /** What showSaveDialog answers. */
  saveDialogAnswer: undefined as Uri | undefined,
  /** Messages shown (`warning: …`, `error: …`, `info: …`). */
  shown: [] as string[],
  /** Files written through `workspace.fs.writeFile`, by fsPath. */
  written: [] as string[],
  /** Commands executed through `commands.executeCommand`. */
  executed: [] as string[],
  /** The arguments of each executed command, in the order of `executed`. */
  executedArgs: [] as unknown[][],
  /** Webview panels made through `window.createWebviewPanel`, oldest first. */
  webviewPanels: [] as FakeWebviewPanel[],
  reset(): void {
    this.trusted = true;
    this.saveDialogAnswer = undefined;
    this.shown.length = 0;
    this.written.length = 0;
    this.executed.length = 0;
    this.executedArgs.length = 0;
    this.webviewPanels.length = 0;
  },
};

/**
 * A bare webview panel for host code that is handed a panel (RunPanels.adopt, deserialize): what the
 * host posts, a way to send messages from the "webview", its dispose, and how often it was revealed.
 */
export function fakeWebviewPanel<M = unknown>(): { panel: never; posted: M[]; receive: (m: unknown) => void; dispose: () => void; revealed: number[] } {
  const posted: M[] = [];
  const revealed: number[] = [];
  let receive: (m: unknown) => void = () => undefined;
  const onDispose: (() => void)[] = [];
  const none = { dispose: () => undefined };
  const dispose = (): void => onDispose.forEach((cb) => cb());
  const panel = {
    title: '',
    iconPath: undefined,
    viewColumn: 1,
    active: true,
    visible: true,
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-resource:',
      asWebviewUri: (u: Uri) => u,
      onDidReceiveMessage: (cb: (m: unknown) => void) => ((receive = cb), none),
      postMessage: (m: M) => (posted.push(m), Promise.resolve(true)),
    },
    onDidChangeViewState: () => none,
    onDidDispose: (cb: () => void) => (onDispose.push(cb), none),
    reveal: () => void revealed.push(1),
    dispose,
  };
  return { panel: panel as never, posted, receive: (m) => receive(m), dispose, revealed };
}

/** A webview panel: what the host posts is kept in `posted`; `receive` plays a message from the page. */
export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  visible = true;
  disposed = false;
  private readonly received = new EventEmitter<unknown>();
  private readonly disposedEvent = new EventEmitter<void>();
  private readonly viewState = new EventEmitter<void>();
  readonly webview = {
    options: {} as unknown,
    html: '',
    cspSource: 'stub-csp',
    asWebviewUri: (uri: Uri) => uri,
    onDidReceiveMessage: this.received.event,
    postMessage: (message: unknown) => {
      this.posted.push(message);
      return Promise.resolve(true);
    },
  };
  readonly onDidDispose = this.disposedEvent.event;
  readonly onDidChangeViewState = this.viewState.event;
  iconPath: unknown;

  constructor(
    readonly viewType: string,
    public title: string,
  ) {}

  /** The page posts `message` to the host. */
  receive(message: unknown): void {
    this.received.fire(message);
  }
  reveal(): void {}
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposedEvent.fire();
  }
}

const show = (kind: string) => (message: string) => {
  vscodeStub.shown.push(`${kind}: ${message}`);
  return Promise.resolve(undefined);
};

const api: Record<string, unknown> = {
  Uri,
  EventEmitter,
  TreeItem,
  ThemeIcon: class {
    constructor(readonly id: string) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  Disposable: class {
    constructor(private readonly fn: () => void) {}
    dispose(): void {
      this.fn();
    }
  },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  InputBoxValidationSeverity: { Info: 1, Warning: 2, Error: 3 },
  UIKind: { Desktop: 1, Web: 2 },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  env: { uiKind: 1 },
  workspace: {
    get isTrusted() {
      return vscodeStub.trusted;
    },
    get workspaceFolders() {
      return [{ uri: Uri.file(vscodeStub.folder), name: 'ws', index: 0 }];
    },
    textDocuments: [],
    getWorkspaceFolder: () => ({ uri: Uri.file(vscodeStub.folder), name: 'ws', index: 0 }),
    asRelativePath: (p: Uri | string) => (typeof p === 'string' ? p : p.fsPath),
    findFiles: () => Promise.resolve([]),
    fs: {
      readFile: (uri: Uri) => Promise.resolve(new Uint8Array(readFileSync(uri.fsPath))),
      writeFile: (uri: Uri, bytes: Uint8Array) => {
        vscodeStub.written.push(uri.fsPath);
        mkdirSync(path.dirname(uri.fsPath), { recursive: true });
        writeFileSync(uri.fsPath, bytes);
        return Promise.resolve();
      },
      createDirectory: (uri: Uri) => {
        mkdirSync(uri.fsPath, { recursive: true });
        return Promise.resolve();
      },
      readDirectory: () => Promise.resolve([]),
    },
    onDidGrantWorkspaceTrust: () => ({ dispose: () => undefined }),
  },
  window: {
    activeTextEditor: undefined,
    showInformationMessage: show('info'),
    showWarningMessage: show('warning'),
    showErrorMessage: show('error'),
    showQuickPick: () => Promise.resolve(undefined),
    showInputBox: () => Promise.resolve(undefined),
    showOpenDialog: () => Promise.resolve(undefined),
    showSaveDialog: () => Promise.resolve(vscodeStub.saveDialogAnswer),
    showTextDocument: () => Promise.resolve(undefined),
    withProgress: <T>(_options: unknown, task: (progress: { report(): void }) => Promise<T>) => task({ report: () => undefined }),
    createWebviewPanel: (viewType: string, title: string) => {
      const panel = new FakeWebviewPanel(viewType, title);
      vscodeStub.webviewPanels.push(panel);
      return panel;
    },
  },
  commands: {
    executeCommand: (id: string, ...args: unknown[]) => {
      vscodeStub.executed.push(id);
      vscodeStub.executedArgs.push(args);
      return Promise.resolve(undefined);
    },
  },
  languages: {
    createDiagnosticCollection: () => {
      const map = new Map<string, unknown>();
      return { get: (u: Uri) => map.get(u.fsPath), set: (u: Uri, d: unknown) => map.set(u.fsPath, d), delete: (u: Uri) => map.delete(u.fsPath), dispose: () => map.clear() };
    },
  },
};

// Unknown members come from the prototype, which esbuild's ESM wrapper (`__toESM`) keeps.
Object.setPrototypeOf(
  api,
  new Proxy({}, { get: (_t, prop) => (typeof prop === 'symbol' || prop === 'then' || prop === '__esModule' ? undefined : anything()) }),
);
const vscode = api;

// `require("vscode")` anywhere in this process now returns the stub.
const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const original = loader._load;
loader._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  if (request === 'vscode') return vscode;
  return original.call(this, request, parent, isMain);
};
