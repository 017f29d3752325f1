#!/usr/bin/env -S node --max-semi-space-size=64
// A larger young generation: the broker allocates each alert once and drops it a batch later;
// measured in bench/broker, about 10% more alerts/s for 1.1x less CPU an alert.
import '../dist/aviary.js';
