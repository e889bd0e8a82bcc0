/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AppError, ErrorCode } from "../../domain/errors.ts";
import { HTTP_STATUS } from "../errors.ts";
import { PageHeader } from "./components.tsx";
import { sentence } from "./forms.ts";
import { Layout } from "./layout.tsx";
import { render } from "./render.tsx";

export interface ErrorPageProps {
  title: string;
  message: string;
  area: "console" | "depot" | "public";
  /** Where "Back" leads. */
  back: string;
}

export function ErrorPage(props: ErrorPageProps) {
  return (
    <Layout title={props.title} area={props.area}>
      <PageHeader title={props.title} lead={props.message}>
        <p>
          <a class="button button-secondary" href={props.back}>
            Back
          </a>
        </p>
      </PageHeader>
    </Layout>
  );
}

function describe(err: FastifyError | AppError): { status: number; title: string; message: string } {
  if (err instanceof AppError) {
    const status = HTTP_STATUS[err.code];
    if (err.code === ErrorCode.RATE_LIMITED)
      return { status, title: "Too many attempts", message: sentence(err.message) };
    if (status === 404) return { status, title: "Not found", message: sentence(err.message) };
    if (status === 403) return { status, title: "Not allowed", message: sentence(err.message) };
    return { status, title: "That did not work", message: sentence(err.message) };
  }
  if (err.code === "FST_CSRF_INVALID_TOKEN" || err.code === "FST_CSRF_MISSING_SECRET")
    return {
      status: 403,
      title: "Please try again",
      message:
        "The form was too old or did not come from this site, so nothing was changed. Go back, reload the page and send the form again.",
    };
  if (err.statusCode === 429)
    return { status: 429, title: "Too many attempts", message: sentence(err.message) };
  if (err.code === "FST_REQ_FILE_TOO_LARGE" || err.statusCode === 413)
    return { status: 413, title: "File too large", message: "The file is too large for this form." };
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return {
      status: err.statusCode,
      title: "That did not work",
      message: "The request could not be read. Go back and try again.",
    };
  return {
    status: 500,
    title: "Something went wrong",
    message: "The server failed to answer. Try again in a moment; if it keeps failing, tell the vendor.",
  };
}

/**
 * The error handler of the web pages: an HTML page saying what happened, in the area the
 * request came from. Forms catch the errors they expect and show them next to their fields;
 * this is for the rest.
 */
export async function handleWebError(
  err: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { status, title, message } = describe(err);
  if (status >= 500) request.log.error({ err }, "web page failed");
  const depot = request.url.startsWith("/depot");
  const area = depot ? "depot" : request.viewer ? "console" : "public";
  return render(
    reply,
    <ErrorPage title={title} message={message} area={area} back={depot ? "/depot" : "/"} />,
    {
      status,
    },
  );
}
