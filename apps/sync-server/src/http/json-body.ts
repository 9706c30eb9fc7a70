import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type * as z from 'zod';

/** The API's request bodies are a few fields of JSON: anything larger is refused before it is read. */
export const smallBody = () =>
  bodyLimit({
    maxSize: 4 * 1024,
    onError: () => {
      throw new HTTPException(413, { message: 'request body too large' });
    },
  });

/**
 * The request's JSON body, validated by `schema`; an empty body reads as `{}`. Anything else is a 400 naming
 * the first problem.
 */
export async function readJsonBody<S extends z.ZodType>(req: { text(): Promise<string> }, schema: S): Promise<z.infer<S>> {
  const text = await req.text();
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new HTTPException(400, { message: 'body must be JSON' });
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HTTPException(400, { message: `${issue.path.join('.') || 'body'}: ${issue.message}` });
  }
  return parsed.data;
}
