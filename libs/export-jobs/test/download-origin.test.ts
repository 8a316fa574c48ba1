import { ObjectStore } from '../src';

/** The origin a page must allow to open the presigned links (the web app's frame-src), signed without S3. */
describe('ObjectStore.downloadOrigin', () => {
  const store = (endpoint: string, forcePathStyle: boolean) =>
    new ObjectStore({
      endpoint,
      region: 'us-east-1',
      bucket: 'aurora-exports',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle,
    });

  it('is the endpoint itself for path-style links (MinIO, s3rver)', async () => {
    const minio = store('http://127.0.0.1:9000/', true);
    await expect(minio.downloadOrigin()).resolves.toBe('http://127.0.0.1:9000');
    minio.close();
  });

  it("is the bucket's host for virtual-hosted links", async () => {
    const aws = store('https://s3.eu-west-1.amazonaws.com', false);
    await expect(aws.downloadOrigin()).resolves.toBe('https://aurora-exports.s3.eu-west-1.amazonaws.com');
    aws.close();
  });
});
