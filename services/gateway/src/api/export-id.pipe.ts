import { isJobId } from '@aurora/export-jobs';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { exportNotFound } from './exports.service';

/**
 * An `{id}` that cannot be a job id is answered like an unknown job before anything else happens: the id
 * becomes a NATS KV key, where wildcards, dots or a very long id fail or hang instead of finding nothing.
 */
@Injectable()
export class ExportIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (!isJobId(id)) throw exportNotFound(id);
    return id;
  }
}
