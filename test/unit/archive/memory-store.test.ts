import { createMemoryArchiveStore } from '../../../src/archive/memory-store';
import { describeArchiveStoreContract } from './store-contract';

describeArchiveStoreContract('memory', async (options) => createMemoryArchiveStore(options));
