import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Powertools instances, one per execution environment; service and namespace come from the environment. */
export const logger = new Logger();
export const metrics = new Metrics();
