import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port';

export interface ReceivedMail {
  /** The envelope: who sent it and whom the server was asked to deliver to. */
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
  /** The message as a mail client reads it. */
  readonly subject: string;
  readonly text: string;
  readonly attachments: readonly { filename: string; content: Buffer }[];
}

export interface SmtpOptions {
  /** Listen here (a server "coming back" on the port a test's client was given); default: a free port. */
  readonly port?: number;
  /** Answer RCPT TO with this reply code (a 4xx is transient, a 5xx permanent)… */
  readonly refuse?: number;
  /** …for the first this many recipients (default: all). */
  readonly refuseTimes?: number;
}

export interface TestSmtp {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** MAIL FROM commands seen: how many sends were tried, refused or not. */
  transactions(): number;
  close(): Promise<void>;
}

/** A real SMTP server (the smtp-server package) on loopback, keeping every mail it accepts, parsed. */
export async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const port = options.port ?? (await freePort());
  const mails: ReceivedMail[] = [];
  let refusals = 0;
  let transactions = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      transactions += 1;
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (options.refuse !== undefined && refusals < (options.refuseTimes ?? Infinity)) {
        refusals += 1;
        const error = Object.assign(new Error(`${options.refuse} mailbox unavailable`), {
          responseCode: options.refuse,
        });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address).sort(),
              raw,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              attachments: parsed.attachments.map((a) => ({
                filename: a.filename ?? '',
                content: a.content,
              })),
            });
            callback();
          },
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    mails,
    transactions: () => transactions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
