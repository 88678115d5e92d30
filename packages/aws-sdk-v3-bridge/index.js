// @ts-check
'use strict';

module.exports = require('./clients/all');
