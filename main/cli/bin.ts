#!/usr/bin/env node
// The `quire` command (package.json `bin`), compiled to build/main/quire.mjs.
import { main } from './main.ts';

process.exitCode = await main(process.argv);
