/**
 * The rows of the real-client conformance matrix (test/clients/conformance.test.ts): one
 * {@link ConformanceRow} per pinned client library and wire API.
 */
import { aiSdkRows } from './ai-sdk.js';
import type { ConformanceRow } from './client.js';
import { officialSdkRows } from './official-sdks.js';

/** Every row, in the README matrix's order. */
export const conformanceRows: readonly ConformanceRow[] = [...officialSdkRows, ...aiSdkRows];
