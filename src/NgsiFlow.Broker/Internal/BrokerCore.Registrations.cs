using NgsiFlow.Broker.Internal.Registrations;
using NgsiFlow.Broker.Internal.Store;

namespace NgsiFlow.Broker.Internal;

/// <summary>Context provider registration create and delete (Orion has no update for them).</summary>
internal sealed partial class BrokerCore
{
    public async ValueTask<Registration> CreateRegistrationAsync(TenantIndex tenant, string servicePath, object? body, CancellationToken cancellationToken)
    {
        var registration = RegistrationParser.Parse(body, NewSubscriptionId(), servicePath);
        await _store.SaveRegistrationAsync(tenant.Name, registration, cancellationToken).ConfigureAwait(false);
        tenant.AddRegistration(registration);
        return registration;
    }

    public async ValueTask DeleteRegistrationAsync(TenantIndex tenant, string id, CancellationToken cancellationToken)
    {
        var registration = tenant.FindRegistration(id) ?? throw RegistrationNotFound();
        await _store.DeleteRegistrationAsync(tenant.Name, id, cancellationToken).ConfigureAwait(false);
        tenant.RemoveRegistration(registration);
    }

    public static OrionException RegistrationNotFound() => OrionException.NotFound("The requested registration has not been found. Check id");
}
