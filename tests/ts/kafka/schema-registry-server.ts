/**
 * A stand-in for a Confluent schema registry, serving the two calls Aviary makes: `POST
 * /subjects/<subject>/versions` ({"schema": text} -> {"id": n}; a schema registered again keeps
 * its id) and `GET /schemas/ids/<id>` ({"schema": text}). No Confluent registry can be installed
 * here (it is not in Maven Central); the wire format around it is what the tests exercise.
 */
import { createServer, type Server } from 'node:http';

export class SchemaRegistryServer {
  readonly schemas: string[] = [];
  /** Requests answered, e.g. "GET /schemas/ids/1". */
  readonly requests: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SchemaRegistryServer> {
    let registry: SchemaRegistryServer | undefined;
    const server = createServer((req, res) => registry!.handle(req.method ?? '', req.url ?? '', req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    registry = new SchemaRegistryServer(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return registry;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, url: string, req: NodeJS.ReadableStream, res: import('node:http').ServerResponse): void {
    this.requests.push(`${method} ${url}`);
    const answer = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' }).end(JSON.stringify(body));
    };
    const byId = /^\/schemas\/ids\/(\d+)$/.exec(url);
    if (method === 'GET' && byId) {
      const schema = this.schemas[Number(byId[1]) - 1];
      return schema === undefined ? answer(404, { error_code: 40403, message: 'Schema not found' }) : answer(200, { schema });
    }
    if (method === 'POST' && /^\/subjects\/[^/]+\/versions$/.test(url)) {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const schema = (JSON.parse(body) as { schema: string }).schema;
        const canonical = JSON.stringify(JSON.parse(schema));
        let index = this.schemas.findIndex((s) => JSON.stringify(JSON.parse(s)) === canonical);
        if (index < 0) index = this.schemas.push(schema) - 1;
        answer(200, { id: index + 1 });
      });
      return;
    }
    answer(404, { error_code: 404, message: `no route ${method} ${url}` });
  }
}
