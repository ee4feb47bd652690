// Imports scopegate by its bare name: Vite resolves the package's `browser` export (full/web.js)
// from the scratch project's node_modules and emits the .wasm it references as an asset.
import * as scopegate from 'scopegate';
import tables from '../tables-data.js';
import { showTables } from '../web/run-tables.js';

showTables(scopegate, tables);
