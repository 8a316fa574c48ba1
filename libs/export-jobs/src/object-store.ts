import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { attachmentDisposition } from './content-disposition';

/**
 * The object store's environment, one definition for every service that uploads exports or links to them:
 * spread into a service's config schema (`...objectStoreEnv`), then `ObjectStore.fromEnv(config)`.
 */
export const objectStoreEnv = {
  S3_ENDPOINT: z.string().default('http://127.0.0.1:9000'),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().default('aurora-exports'),
  S3_ACCESS_KEY_ID: z.string().default('S3RVER'),
  S3_SECRET_ACCESS_KEY: z.string().default('S3RVER'),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
};
export type ObjectStoreEnv = z.infer<z.ZodObject<typeof objectStoreEnv>>;

export interface ObjectStoreOptions {
  readonly endpoint?: string | undefined;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly forcePathStyle: boolean;
}

/** S3 (MinIO, s3rver locally): multipart uploads from a stream, and short-lived download links. */
export class ObjectStore {
  private readonly client: S3Client;

  static fromEnv(env: ObjectStoreEnv): ObjectStore {
    return new ObjectStore({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }

  constructor(private readonly options: ObjectStoreOptions) {
    this.client = new S3Client({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // With the defaults a streamed upload to s3rver stores the aws-chunked framing inside the object.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  get bucket(): string {
    return this.options.bucket;
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch {
      await this.client.send(new CreateBucketCommand({ Bucket: this.options.bucket }));
    }
  }

  /**
   * Streams `body` as a multipart upload. Aborting the signal aborts the multipart upload, so no parts are
   * left behind; a failed upload is aborted by the library as well.
   */
  async upload(key: string, body: Readable, contentType: string, signal: AbortSignal): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType },
      // S3's smallest part: the worker holds about queueSize + 1 parts at a time (8 MiB parts: 24 MiB).
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const abort = (): void => void upload.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } finally {
      signal.removeEventListener('abort', abort);
    }
  }

  /**
   * Aborts the multipart uploads of `key` begun and never finished: those of an attempt whose worker died, or
   * whose abort could not reach S3. Returns how many it aborted.
   */
  async abortIncompleteUploads(key: string): Promise<number> {
    const listed = await this.client.send(
      new ListMultipartUploadsCommand({ Bucket: this.options.bucket, Prefix: key }),
    );
    const stale = (listed.Uploads ?? []).filter((upload) => upload.Key === key && upload.UploadId);
    for (const upload of stale) {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: key, UploadId: upload.UploadId }),
      );
    }
    return stale.length;
  }

  presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: key,
      ResponseContentDisposition: attachmentDisposition(fileName),
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  /**
   * The whole object, for a file small enough to hold in memory (a mail's attachment, below its cap); a larger
   * object is refused before its body is read.
   */
  async read(key: string, maxBytes: number): Promise<Uint8Array> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    if (object.ContentLength !== undefined && object.ContentLength > maxBytes) {
      object.Body?.transformToWebStream()
        .cancel()
        .catch(() => undefined);
      throw new Error(`${key} is ${object.ContentLength} bytes, more than ${maxBytes}`);
    }
    if (!object.Body) throw new Error(`${key} has no body`);
    return object.Body.transformToByteArray();
  }

  /** The origin of the links `presignDownload` returns (a page that opens them must allow it), signed offline. */
  async downloadOrigin(): Promise<string> {
    return new URL(await this.presignDownload('origin', 'origin', 60)).origin;
  }

  close(): void {
    this.client.destroy();
  }
}
