import { checkJsonDepth } from '@aurora/query-model';
import { Injectable, type PipeTransform } from '@nestjs/common';

/**
 * A query body nested deeper than any legal one (QUERY_LIMITS.maxJsonDepth) is an INVALID_QUERY before
 * anything walks it recursively: JSON.stringify of a 5,000-deep filter overflows the stack (a 500).
 */
@Injectable()
export class BodyDepthPipe implements PipeTransform<unknown, unknown> {
  transform(body: unknown): unknown {
    checkJsonDepth(body);
    return body;
  }
}
