import Ajv from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

const options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;

/** Bodies are checked as sent: no type coercion, unknown fields rejected by the schemas. */
const strict = addFormats.default(new Ajv.default({ ...options, coerceTypes: false }));
/** Query strings and path parameters arrive as text, so numbers and booleans are coerced there. */
const coercing = addFormats.default(new Ajv.default({ ...options, coerceTypes: "array" }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? strict : coercing;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};
