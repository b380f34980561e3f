#!/usr/bin/env node
import "../dist/cli/tart-executor.js";
