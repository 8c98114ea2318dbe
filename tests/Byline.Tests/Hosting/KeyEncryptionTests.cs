using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Byline.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Byline.Tests.Hosting;

/// <summary>A site configured with <c>Byline:DataProtection:CertificatePath</c>: its key ring is stored encrypted to that certificate.</summary>
public abstract class KeyEncryptionTests(BylineApp app)
{
    [DatabaseFact]
    public async Task Keys_in_the_database_are_encrypted_to_the_certificate_and_still_unprotect()
    {
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var secret = protector.Protect("a session");

        var xml = await app.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync());

        Assert.NotEmpty(xml);
        Assert.All(xml, x =>
        {
            Assert.Contains("encryptedSecret", x, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", x.Replace("<encryptedSecret", "", StringComparison.Ordinal), StringComparison.Ordinal);
        });
        Assert.Equal("a session", protector.Unprotect(secret));
    }
}

/// <summary>Writes a throwaway self-signed PFX before the app starts and names it in the settings.</summary>
internal static class KeyCertificate
{
    public static string Create(Guid id)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=byline-test-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        Directory.CreateDirectory(BylineApp.TempRoot);
        var path = Path.Combine(BylineApp.TempRoot, $"keys-{id:N}.pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, "pfx-pass"));
        return path;
    }

    public static IReadOnlyDictionary<string, string> Settings(string path) => new Dictionary<string, string>
    {
        ["Byline:DataProtection:CertificatePath"] = path,
        ["Byline:DataProtection:CertificatePassword"] = "pfx-pass",
    };
}

public sealed class EncryptedKeysSqliteApp : SqliteApp
{
    private readonly string _pfx;

    public EncryptedKeysSqliteApp() => _pfx = KeyCertificate.Create(Id);

    protected override IReadOnlyDictionary<string, string> Settings => KeyCertificate.Settings(_pfx);
}

public sealed class EncryptedKeysPostgresApp : PostgresApp
{
    private readonly string _pfx;

    public EncryptedKeysPostgresApp() => _pfx = KeyCertificate.Create(Id);

    protected override IReadOnlyDictionary<string, string> Settings => KeyCertificate.Settings(_pfx);
}

public sealed class KeyEncryptionOnSqlite(EncryptedKeysSqliteApp app) : KeyEncryptionTests(app), IClassFixture<EncryptedKeysSqliteApp>;

public sealed class KeyEncryptionOnPostgres(EncryptedKeysPostgresApp app) : KeyEncryptionTests(app), IClassFixture<EncryptedKeysPostgresApp>;
