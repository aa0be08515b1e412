#!/usr/bin/env node
// The `pdf-pipeline` command. It runs the TypeScript sources through tsx's loader, so the CLI
// uses the very code the functions and the local runtime run.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
