import { createRequire } from 'node:module';
import type {
  OracleBatchBind,
  OracleBind,
  OracleColumnMetadata,
  OracleConnection,
  OracleDbType,
  OracleDriver,
  OracleExecuteManyOptions,
  OracleExecuteOptions,
  OracleExecuteResult,
  OraclePool,
  OraclePoolAttributes,
  OracleResultSet,
} from '../../src';

/**
 * An in-process stand-in for the node-oracledb API surface the adapter uses. Faithful where the adapter
 * depends on it: the type constants are the real module's own `DbType` objects (compared by identity), the
 * NJS-xxx errors come from node-oracledb's own error factory and ORA-xxxxx errors go through its
 * `transformErr` (so codes, messages and help links read exactly as the driver writes them), and pool
 * queueing (poolMax, queueTimeout → NJS-040, queueMax → NJS-076, closed pool → NJS-065), `callTimeout`
 * (Thin mode: NJS-123 after a break), `break()` (ORA-01013), `fetchTypeHandler` and result sets behave as
 * documented. SQL is not parsed: tests register responders by pattern.
 */
const real = createRequire(__filename)('oracledb') as OracleDriver & {
  readonly DB_TYPE_VARCHAR: OracleDbType;
};
interface DriverErrors {
  getErr(errorNum: number, ...args: unknown[]): Error & { code: string };
  transformErr(error: Error): Error & { code: string };
  ERR_INVALID_CONNECTION: number;
  ERR_CONN_REQUEST_TIMEOUT: number;
  ERR_POOL_CLOSED: number;
  ERR_QUEUE_MAX_EXCEEDED: number;
  ERR_POOL_HAS_BUSY_CONNECTIONS: number;
  ERR_CALL_TIMEOUT_EXCEEDED: number;
}
const errors = createRequire(__filename)('oracledb/lib/errors.js') as DriverErrors;

export type DriverError = Error & { code: string; errorNum?: number; offset?: number };

export const njs = {
  invalidConnection: (): DriverError => errors.getErr(errors.ERR_INVALID_CONNECTION),
  queueTimeout: (ms: number): DriverError => errors.getErr(errors.ERR_CONN_REQUEST_TIMEOUT, ms),
  queueMax: (max: number): DriverError => errors.getErr(errors.ERR_QUEUE_MAX_EXCEEDED, max),
  poolClosed: (): DriverError => errors.getErr(errors.ERR_POOL_CLOSED),
  poolBusy: (): DriverError => errors.getErr(errors.ERR_POOL_HAS_BUSY_CONNECTIONS),
  callTimeout: (ms: number): DriverError => errors.getErr(errors.ERR_CALL_TIMEOUT_EXCEEDED, ms),
};

/** A database error as node-oracledb Thin mode raises it: `ORA-00942: …` plus its help link, code, errorNum. */
export function ora(errorNum: number, text: string, offset = 0): DriverError {
  const error = new Error(`ORA-${String(errorNum).padStart(5, '0')}: ${text}`) as DriverError;
  error.errorNum = errorNum;
  error.offset = offset;
  errors.transformErr(error); // adds code and the help link, in place
  return error;
}
export const ORA = {
  tableMissing: (): DriverError => ora(942, 'table or view does not exist'),
  invalidIdentifier: (name: string): DriverError => ora(904, `"${name}": invalid identifier`),
  cancelled: (): DriverError => ora(1013, 'user requested cancel of current operation'),
};

/** What a responder returns: columns in wire form (NUMBER as exact text, DATE/TIMESTAMP as Date, CLOB text). */
export interface FakeResult {
  readonly columns?: readonly { name: string; dbType: OracleDbType }[];
  readonly rows?: readonly unknown[][];
  readonly rowsAffected?: number;
  /** Server time for the execute round trip (default: the driver's `latencyMs`). */
  readonly latencyMs?: number;
}
export type Responder = (binds: readonly OracleBind[], connection: FakeConnection) => FakeResult;

export interface ExecuteLog {
  readonly sql: string;
  readonly binds: readonly OracleBind[];
  readonly options: OracleExecuteOptions;
  readonly callTimeout: number;
  readonly connection: number;
}

export interface ExecuteManyLog {
  readonly sql: string;
  readonly rows: readonly (readonly OracleBatchBind[])[];
  readonly options: OracleExecuteManyOptions;
  readonly connection: number;
}

export class FakeOracleDb implements OracleDriver {
  readonly STRING = real.STRING;
  readonly OUT_FORMAT_ARRAY = real.OUT_FORMAT_ARRAY;
  readonly DB_TYPE_NUMBER = real.DB_TYPE_NUMBER;
  readonly DB_TYPE_BINARY_DOUBLE = real.DB_TYPE_BINARY_DOUBLE;
  readonly DB_TYPE_BINARY_FLOAT = real.DB_TYPE_BINARY_FLOAT;
  readonly DB_TYPE_DATE = real.DB_TYPE_DATE;
  readonly DB_TYPE_TIMESTAMP = real.DB_TYPE_TIMESTAMP;
  readonly DB_TYPE_TIMESTAMP_TZ = real.DB_TYPE_TIMESTAMP_TZ;
  readonly DB_TYPE_TIMESTAMP_LTZ = real.DB_TYPE_TIMESTAMP_LTZ;
  readonly DB_TYPE_CLOB = real.DB_TYPE_CLOB;
  readonly DB_TYPE_NCLOB = real.DB_TYPE_NCLOB;
  readonly DB_TYPE_RAW = real.DB_TYPE_RAW;
  readonly DB_TYPE_BOOLEAN = real.DB_TYPE_BOOLEAN;
  readonly DB_TYPE_VARCHAR = real.DB_TYPE_VARCHAR;

  readonly pools: FakePool[] = [];
  readonly executed: ExecuteLog[] = [];
  readonly executedMany: ExecuteManyLog[] = [];
  /** Errors the next `getConnection` calls raise, one each, before any queueing. */
  readonly acquireFailures: Error[] = [];
  private readonly responders: { pattern: RegExp; respond: Responder }[] = [];
  /** Default server time per round trip (execute and each getRows). */
  latencyMs = 0;
  /** Server time per `getRows` round trip. */
  fetchLatencyMs = 0;
  /** Time to open a new session. */
  connectLatencyMs = 0;

  on(pattern: RegExp, respond: Responder | FakeResult): this {
    this.responders.unshift({ pattern, respond: typeof respond === 'function' ? respond : () => respond });
    return this;
  }

  createPool(attributes: OraclePoolAttributes): Promise<OraclePool> {
    if (attributes.poolMin > attributes.poolMax)
      return Promise.reject(new Error('NJS-092: poolMin must not be greater than poolMax'));
    const pool = new FakePool(this, attributes);
    this.pools.push(pool);
    return Promise.resolve(pool);
  }

  get pool(): FakePool {
    const pool = this.pools.at(-1);
    if (!pool) throw new Error('no pool was created');
    return pool;
  }

  respond(sql: string, binds: readonly OracleBind[], connection: FakeConnection): FakeResult {
    const responder = this.responders.find(({ pattern }) => pattern.test(sql));
    if (!responder) throw ORA.tableMissing();
    return responder.respond(binds, connection);
  }
}

export class FakePool implements OraclePool {
  private readonly idle: FakeConnection[] = [];
  private readonly queue: {
    resolve: (c: FakeConnection) => void;
    reject: (e: Error) => void;
    timer?: NodeJS.Timeout;
  }[] = [];
  readonly all: FakeConnection[] = [];
  private opening = 0;
  closed = false;
  /** Longest time any request waited in the queue, and each request's wait. */
  readonly queueWaits: number[] = [];

  constructor(
    private readonly db: FakeOracleDb,
    readonly attributes: OraclePoolAttributes,
  ) {
    for (let i = 0; i < attributes.poolMin; i++) this.idle.push(this.newConnection());
  }

  get connectionsOpen(): number {
    return this.all.filter((c) => !c.dropped).length + this.opening;
  }
  get connectionsInUse(): number {
    return this.all.filter((c) => c.inUse).length;
  }
  get queueLength(): number {
    return this.queue.length;
  }

  /** node-oracledb: null unless the pool was created with `enableStatistics`; NJS-065 once closed. */
  getStatistics(): { currentQueueLength: number } | null {
    if (this.closed) throw njs.poolClosed();
    return this.attributes.enableStatistics ? { currentQueueLength: this.queue.length } : null;
  }

  async getConnection(): Promise<OracleConnection> {
    if (this.closed) throw njs.poolClosed();
    const failure = this.db.acquireFailures.shift();
    if (failure) throw failure;
    const idle = this.idle.pop();
    if (idle) return this.checkout(idle, 0);
    if (this.connectionsOpen < this.attributes.poolMax) {
      this.opening++;
      await sleep(this.db.connectLatencyMs);
      this.opening--;
      return this.checkout(this.newConnection(), 0);
    }
    if (this.queue.length >= this.attributes.queueMax) throw njs.queueMax(this.attributes.queueMax);
    const started = performance.now();
    const connection = await new Promise<FakeConnection>((resolve, reject) => {
      const entry: (typeof this.queue)[number] = { resolve, reject };
      if (this.attributes.queueTimeout > 0) {
        entry.timer = setTimeout(() => {
          this.queue.splice(this.queue.indexOf(entry), 1);
          reject(njs.queueTimeout(this.attributes.queueTimeout));
        }, this.attributes.queueTimeout);
      }
      this.queue.push(entry);
    });
    return this.checkout(connection, performance.now() - started);
  }

  /** From FakeConnection.close: back to the idle list or straight to the next waiter. */
  giveBack(connection: FakeConnection): void {
    if (this.closed) return;
    const usable = connection.dropped
      ? this.connectionsOpen < this.attributes.poolMax
        ? this.newConnection()
        : undefined
      : connection;
    if (!usable) return;
    const next = this.queue.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(usable);
    } else this.idle.push(usable);
  }

  async close(drainTime = 0): Promise<void> {
    if (this.closed) throw njs.poolClosed();
    if (this.connectionsInUse > 0) {
      if (drainTime <= 0) throw njs.poolBusy();
      const until = performance.now() + drainTime * 1000;
      while (this.connectionsInUse > 0 && performance.now() < until) await sleep(5);
    }
    this.closed = true;
    for (const waiter of this.queue.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(njs.poolClosed());
    }
  }

  private newConnection(): FakeConnection {
    const connection = new FakeConnection(this.db, this, this.all.length);
    this.all.push(connection);
    return connection;
  }

  private checkout(connection: FakeConnection, waitedMs: number): FakeConnection {
    this.queueWaits.push(waitedMs);
    connection.inUse = true;
    connection.checkouts++;
    return connection;
  }
}

interface RunningCall {
  reject(error: Error): void;
}

export class FakeConnection implements OracleConnection {
  inUse = false;
  dropped = false;
  checkouts = 0;
  breaks = 0;
  /** `break()` calls that found a round trip running. */
  breaksWhileRunning = 0;
  readonly releases: { drop: boolean }[] = [];
  readonly openResultSets = new Set<FakeResultSet>();
  private running: RunningCall | undefined;
  private timeout = 0;

  constructor(
    readonly db: FakeOracleDb,
    private readonly pool: FakePool,
    readonly id: number,
  ) {}

  get callTimeout(): number {
    return this.timeout;
  }
  set callTimeout(value: number) {
    if (!Number.isInteger(value) || value < 0)
      throw new Error('NJS-004: invalid value for property "callTimeout"');
    if (!this.inUse) throw njs.invalidConnection();
    this.timeout = value;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  async execute(
    sql: string,
    binds: readonly OracleBind[],
    options: OracleExecuteOptions,
  ): Promise<OracleExecuteResult> {
    if (!this.inUse) throw njs.invalidConnection();
    this.db.executed.push({
      sql,
      binds: [...binds],
      options,
      callTimeout: this.timeout,
      connection: this.id,
    });
    let result: FakeResult;
    try {
      result = this.db.respond(sql, binds, this);
    } catch (error) {
      await this.roundTrip(this.db.latencyMs);
      throw error;
    }
    await this.roundTrip(result.latencyMs ?? this.db.latencyMs);
    if (!result.columns) return { rowsAffected: result.rowsAffected ?? 0 };
    const metaData: OracleColumnMetadata[] = result.columns.map(({ name, dbType }) => ({
      name,
      dbType,
      dbTypeName: (dbType as OracleDbType & { columnTypeName?: string }).columnTypeName,
      nullable: true,
    }));
    const converters = metaData.map((column) => converterFor(this.db, column, options));
    const rows = (result.rows ?? []).map((row) =>
      row.map((value, i) => (converters[i] ?? ((v) => v))(value)),
    );
    if (options.resultSet === true) {
      const resultSet = new FakeResultSet(this, metaData, rows);
      this.openResultSets.add(resultSet);
      return { metaData, resultSet };
    }
    return { metaData, rows };
  }

  /**
   * Array DML: every row must hold one value per bind definition, of that definition's type (null anywhere,
   * strings within maxSize), as node-oracledb checks before sending. The responder sees an empty bind list;
   * `rowsAffected` defaults to the number of rows.
   */
  async executeMany(
    sql: string,
    binds: readonly (readonly OracleBatchBind[])[],
    options: OracleExecuteManyOptions,
  ): Promise<{ rowsAffected: number }> {
    if (!this.inUse) throw njs.invalidConnection();
    binds.forEach((row, i) => checkBatchRow(this.db, row, options, i));
    this.db.executedMany.push({ sql, rows: binds.map((row) => [...row]), options, connection: this.id });
    const result = this.db.respond(sql, [], this);
    await this.roundTrip(result.latencyMs ?? this.db.latencyMs);
    return { rowsAffected: result.rowsAffected ?? binds.length };
  }

  /** One round trip of `ms`: ends early with NJS-123 past callTimeout, or ORA-01013 on break(). */
  async roundTrip(ms: number): Promise<void> {
    if (this.running) throw new Error('the stand-in expects one call at a time per connection');
    await new Promise<void>((resolve, reject) => {
      const done = setTimeout(finish, ms);
      const callTimer =
        this.timeout > 0 && this.timeout < ms
          ? setTimeout(() => finish(njs.callTimeout(this.timeout)), this.timeout)
          : undefined;
      const running: RunningCall = { reject: (error) => finish(error) };
      this.running = running;
      function finish(error?: Error): void {
        clearTimeout(done);
        clearTimeout(callTimer);
        if (error) reject(error);
        else resolve();
      }
    }).finally(() => {
      this.running = undefined;
    });
  }

  break(): Promise<void> {
    if (!this.inUse) return Promise.reject(njs.invalidConnection());
    this.breaks++;
    if (this.running) {
      this.breaksWhileRunning++;
      this.running.reject(ORA.cancelled());
    }
    return Promise.resolve();
  }

  close(options: { drop?: boolean } = {}): Promise<void> {
    if (!this.inUse) return Promise.reject(njs.invalidConnection());
    if (this.running) return Promise.reject(new Error('the stand-in: released while a call was running'));
    const drop = options.drop === true;
    this.releases.push({ drop });
    this.inUse = false;
    this.timeout = 0;
    this.openResultSets.clear(); // node-oracledb closes open result sets with the connection
    if (drop) this.dropped = true;
    this.pool.giveBack(this);
    return Promise.resolve();
  }
}

export class FakeResultSet implements OracleResultSet {
  private position = 0;
  closed = false;
  fetches = 0;

  constructor(
    private readonly connection: FakeConnection,
    readonly metaData: readonly OracleColumnMetadata[],
    private readonly rows: unknown[][],
  ) {}

  async getRows(count: number): Promise<unknown[][]> {
    if (this.closed) throw new Error('NJS-018: invalid ResultSet');
    this.fetches++;
    await this.connection.roundTrip(this.connection.db.fetchLatencyMs);
    const batch = this.rows.slice(this.position, this.position + count);
    this.position += batch.length;
    return batch;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('NJS-018: invalid ResultSet'));
    this.closed = true;
    this.connection.openResultSets.delete(this);
    return Promise.resolve();
  }
}

/**
 * What node-oracledb Thin mode hands back for a wire value: NUMBER as a JavaScript number (parseFloat of its
 * exact text) unless fetched as STRING; CLOB a Lob unless fetched as STRING; RAW a Buffer unless as STRING
 * (then upper-case hex); dates as Dates.
 */
function converterFor(
  db: FakeOracleDb,
  column: OracleColumnMetadata,
  options: OracleExecuteOptions,
): (value: unknown) => unknown {
  const fetchType = options.fetchTypeHandler?.(column)?.type;
  const asString = fetchType === db.STRING;
  switch (column.dbType) {
    case db.DB_TYPE_NUMBER:
      return asString ? (v) => v : (v) => (v === null ? null : parseFloat(v as string));
    case db.DB_TYPE_CLOB:
    case db.DB_TYPE_NCLOB:
      return asString
        ? (v) => v
        : (v) => (v === null ? null : { type: column.dbType, getData: () => Promise.resolve(v) });
    case db.DB_TYPE_RAW:
      return asString ? (v) => (v === null ? null : (v as Buffer).toString('hex').toUpperCase()) : (v) => v;
    case db.DB_TYPE_DATE:
    case db.DB_TYPE_TIMESTAMP:
    case db.DB_TYPE_TIMESTAMP_TZ:
    case db.DB_TYPE_TIMESTAMP_LTZ:
      return asString ? (v) => (v === null ? null : (v as Date).toString()) : (v) => v;
    default:
      return (v) => v;
  }
}

function checkBatchRow(
  db: FakeOracleDb,
  row: readonly OracleBatchBind[],
  options: OracleExecuteManyOptions,
  index: number,
): void {
  if (row.length !== options.bindDefs.length)
    throw new Error(`NJS-011: row ${index} has ${row.length} values for ${options.bindDefs.length} binds`);
  options.bindDefs.forEach(({ type, maxSize }, position) => {
    const value = row[position];
    if (value === null || value === undefined) return;
    const fits =
      type === db.STRING
        ? typeof value === 'string' && value.length <= (maxSize ?? 0)
        : type === db.DB_TYPE_NUMBER
          ? typeof value === 'number'
          : type === db.DB_TYPE_BOOLEAN
            ? typeof value === 'boolean'
            : (type === db.DB_TYPE_DATE || type === db.DB_TYPE_TIMESTAMP) && value instanceof Date;
    if (!fits)
      throw new Error(
        `NJS-011: row ${index}, bind ${position + 1}: ${JSON.stringify(value)} is not ${type.name}`,
      );
  });
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
