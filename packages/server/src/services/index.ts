import { JobRunner } from "../jobs/runner.ts";
import { ActivationService } from "./activation.service.ts";
import { ApiKeyService } from "./api-key.service.ts";
import { AuditService } from "./audit.service.ts";
import { CategoryService } from "./category.service.ts";
import type { Deps } from "./context.ts";
import { DataFieldService } from "./data-field.service.ts";
import { GrantService } from "./grant.service.ts";
import { GroupService } from "./group.service.ts";
import { IdempotencyService } from "./idempotency.service.ts";
import { KeyService } from "./key.service.ts";
import { LicenseService } from "./license.service.ts";
import { createMailer, NoticeService } from "./notice.service.ts";
import { OrderService } from "./order.service.ts";
import { ProductService } from "./product.service.ts";
import { ReportService } from "./report.service.ts";
import { SessionService } from "./session.service.ts";
import { SetupService } from "./setup.service.ts";
import { SubscriptionService } from "./subscription.service.ts";
import { TicketService } from "./ticket.service.ts";
import { UserService } from "./user.service.ts";
import { ValidationService } from "./validation.service.ts";

/** Every use case, built once per process; all channels call these. */
export interface Services {
  products: ProductService;
  orders: OrderService;
  licenses: LicenseService;
  activations: ActivationService;
  validation: ValidationService;
  tickets: TicketService;
  keys: KeyService;
  apiKeys: ApiKeyService;
  audit: AuditService;
  setup: SetupService;
  idempotency: IdempotencyService;
  grants: GrantService;
  groups: GroupService;
  users: UserService;
  sessions: SessionService;
  categories: CategoryService;
  dataFields: DataFieldService;
  /** Subscriptions (DESIGN §2.6), their notices, billing reports and the jobs that renew them. */
  subscriptions: SubscriptionService;
  notices: NoticeService;
  reports: ReportService;
  jobs: JobRunner;
}

export function createServices(deps: Deps, masterKey: Buffer): Services {
  const keys = new KeyService(deps, masterKey);
  const apiKeys = new ApiKeyService(deps);
  const grants = new GrantService(deps);
  const sessions = new SessionService(deps);
  const notices = new NoticeService(deps, createMailer(deps.config, deps.log));
  const subscriptions = new SubscriptionService(deps, notices);
  return {
    products: new ProductService(deps),
    orders: new OrderService(deps),
    licenses: new LicenseService(deps),
    activations: new ActivationService(deps),
    validation: new ValidationService(deps),
    tickets: new TicketService(deps),
    keys,
    apiKeys,
    audit: new AuditService(deps),
    setup: new SetupService(deps, keys, apiKeys),
    idempotency: new IdempotencyService(deps),
    grants,
    groups: new GroupService(deps, grants),
    users: new UserService(deps, grants, sessions),
    sessions,
    categories: new CategoryService(deps),
    dataFields: new DataFieldService(deps),
    subscriptions,
    notices,
    reports: new ReportService(deps),
    jobs: new JobRunner(deps, subscriptions, notices),
  };
}
