#!/usr/bin/env node
import '../dist/aviary.js';
