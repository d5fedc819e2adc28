/** The gallery: the graph files shipped in `templates/` (or `lessons/`), listed by id (the file name). */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GRAPH_FILE_MAX_BYTES, plainReason, readTextBounded } from '../../engine/io';
import { ApiError, type TemplateInfo } from '../api/contract';

export interface TemplateService {
  list(): Promise<TemplateInfo[]>;
  read(id: string): Promise<{ text: string }>;
}

/** Ids are file names without `.json`: letters, digits, `-` and `_` only, so no id can leave the folder. */
const ID = /^[A-Za-z0-9_-]+$/;

const readTemplate = (path: string) => readTextBounded(path, { maxBytes: GRAPH_FILE_MAX_BYTES, what: 'a graph file may be' });

/** `what` names the files in messages: "template" or "lesson". A lesson is listed by its lesson's title. */
export function createTemplateService(templatesDir: string, what = 'template'): TemplateService {
  return {
    async list() {
      let names: string[];
      try {
        names = (await readdir(templatesDir)).filter((n) => n.endsWith('.json') && ID.test(n.slice(0, -5))).sort();
      } catch (err) {
        throw new ApiError(`The ${what}s folder ${templatesDir} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      const infos: TemplateInfo[] = [];
      for (const name of names) {
        const id = name.slice(0, -5);
        try {
          const doc = JSON.parse(await readTemplate(join(templatesDir, name))) as {
            name?: unknown;
            description?: unknown;
            lesson?: { title?: unknown };
          };
          const title = doc.lesson?.title ?? doc.name;
          infos.push({
            id,
            name: typeof title === 'string' ? title : id,
            description: typeof doc.description === 'string' ? doc.description : '',
          });
        } catch {
          // A broken template is listed by id; opening it reports the problem precisely.
          infos.push({ id, name: id, description: `This ${what} file is not valid JSON.` });
        }
      }
      return infos;
    },
    async read(id) {
      if (!ID.test(id)) throw new ApiError(`There is no ${what} "${id}": ids use letters, digits, "-" and "_"`);
      try {
        return { text: await readTemplate(join(templatesDir, `${id}.json`)) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError(`There is no ${what} "${id}"`);
        throw new ApiError(`The ${what} "${id}" cannot be read: ${plainReason(err)}`);
      }
    },
  };
}
