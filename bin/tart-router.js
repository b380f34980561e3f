#!/usr/bin/env node
import "../dist/cli/tart-router.js";
