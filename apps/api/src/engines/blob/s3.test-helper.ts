/** An S3 blob store on the test S3 server (MEDICHAT_TEST_S3_ENDPOINT, moto from scripts/test.mjs). */
import { S3BlobStore } from './s3.js';

export function testS3Store(bucket: string, prefix = 'medichat', sse?: 'AES256'): S3BlobStore {
  return new S3BlobStore({
    bucket,
    prefix,
    endpoint: process.env.MEDICHAT_TEST_S3_ENDPOINT!,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    forcePathStyle: true,
    ...(sse ? { sse: { mode: sse } } : {}),
  });
}
