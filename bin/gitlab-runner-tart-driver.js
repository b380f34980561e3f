#!/usr/bin/env node
import "../dist/gitlab/gitlab-runner-tart-driver.js";
