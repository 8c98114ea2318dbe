namespace Byline.Webhooks;

/// <summary>What the audit trail records of webhook administration (filterable on /newsroom/audit).</summary>
public static class WebhookAuditActions
{
    public const string Created = "webhooks.created";
    public const string Enabled = "webhooks.enabled";
    public const string Disabled = "webhooks.disabled";
    public const string AutoDisabled = "webhooks.auto-disabled";
    public const string Rotated = "webhooks.rotated";
    public const string Replayed = "webhooks.replayed";
    public const string Deleted = "webhooks.deleted";
}
