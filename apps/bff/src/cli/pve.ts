// npm run pve -- snapshot DIR | record --cluster ID --out DIR [--polls N] [--force]   (pve-cluster.ts)
import { main } from './pve-cluster';

process.exitCode = await main(process.argv.slice(2));
