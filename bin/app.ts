// The CDK app: one stack per environment (dev, staging, prod), each from its validated config.
import { createApp } from '../lib/pdf-pipeline-app.js';

createApp();
