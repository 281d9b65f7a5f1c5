using System.Globalization;
using Microsoft.AspNetCore.Http;
using NgsiFlow.Broker.Internal.Registrations;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>/v2/registrations: list, create, retrieve and delete, in the request's tenant and service path.</summary>
internal sealed partial class BrokerApi
{
    private Task ListRegistrationsAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var options = HttpIo.Options(context, "count");
        var (limit, offset) = HttpIo.Pagination(context);
        var scope = HttpIo.QueryScope(context);
        var visible = tenant.Registrations.Where(r => scope.Contains(r.ServicePath)).ToList();
        if (options.Contains("count"))
        {
            context.Response.Headers["Fiware-Total-Count"] = visible.Count.ToString(CultureInfo.InvariantCulture);
        }

        return HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray();
            foreach (var registration in visible.Skip(offset).Take(limit))
            {
                RegistrationWriter.Write(writer, registration);
            }

            writer.WriteEndArray();
        });
    }

    private async Task CreateRegistrationAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        HttpIo.Options(context);
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        var registration = await _core.CreateRegistrationAsync(tenant, HttpIo.UpdatePath(context), body, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.Location = "/v2/registrations/" + registration.Id;
        context.Response.StatusCode = 201;
    }

    private Task GetRegistrationAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var registration = Visible(context, tenant.FindRegistration(RouteValue(context, "registrationId")));
        return HttpIo.WriteJsonAsync(context, 200, writer => RegistrationWriter.Write(writer, registration));
    }

    private async Task DeleteRegistrationAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var registration = Visible(context, tenant.FindRegistration(RouteValue(context, "registrationId")));
        await _core.DeleteRegistrationAsync(tenant, registration.Id, context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }

    /// <summary>The registration when it exists in the request's service path; 404 otherwise.</summary>
    private static Registration Visible(HttpContext context, Registration? registration) =>
        registration is not null && HttpIo.QueryScope(context).Contains(registration.ServicePath) ? registration : throw BrokerCore.RegistrationNotFound();
}
