// "Trouver un conseiller numérique": the "Autour de moi" button and the map, a visual
// complement of the list rendered by the server (the page works without this script).
(function () {
  "use strict";

  var FRANCE = [[41.3, -5.2], [51.1, 9.6]];
  var REGION_ZOOM = 7; // below it, counts per région; from it, per département

  function nearMe() {
    var button = document.getElementById("near-me");
    var form = document.getElementById("map-search");
    var status = document.getElementById("near-me-status");
    if (!button || !form || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(5);
          form.elements.lon.value = position.coords.longitude.toFixed(5);
          form.elements.commune.value = "";
          form.submit();
        },
        function () {
          status.textContent =
            "Votre position n’est pas disponible : indiquez une commune ou un code postal.";
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
    // A commune typed after a position replaces it.
    form.elements.commune.addEventListener("input", function () {
      form.elements.lat.value = "";
      form.elements.lon.value = "";
    });
  }

  function plural(count, one, many) {
    return count + " " + (count > 1 ? many : one);
  }

  function popup(place, url) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = url;
    link.textContent = place.name;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(place.commune + (place.itinerant ? " (itinérant)" : "")));
    if (place.appointment) {
      var booking = document.createElement("a");
      booking.href = place.appointment;
      booking.rel = "noopener";
      booking.target = "_blank";
      booking.title = "Prendre rendez-vous à " + place.name + " — nouvelle fenêtre";
      booking.textContent = "Prendre rendez-vous";
      box.appendChild(document.createElement("br"));
      box.appendChild(booking);
    }
    return box;
  }

  function countMarker(group, map, zoomTo) {
    var size = Math.round(28 + Math.min(36, Math.sqrt(group.count) * 3));
    var label = group.name + " : " + plural(group.count, "lieu", "lieux");
    var icon = L.divIcon({
      className: "cnfs-map-count",
      html: "<span aria-hidden=\"true\">" + group.count + "</span>",
      iconSize: [size, size],
    });
    var marker = L.marker([group.lat, group.lon], { icon: icon, title: label, alt: label });
    marker.on("click", function () {
      map.setView([group.lat, group.lon], zoomTo);
    });
    return marker;
  }

  function startMap() {
    var element = document.getElementById("places-map");
    var configElement = document.getElementById("map-config");
    if (!element || !configElement || !window.L) return;
    var config = JSON.parse(configElement.textContent);
    var map = L.map(element, { minZoom: 2, maxZoom: 18 });
    map.attributionControl.setPrefix("Leaflet");
    L.control.scale({ imperial: false }).addTo(map);
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { attribution: config.tile_attribution, maxZoom: 18 }).addTo(map);
    }
    fetch(config.outlines_url)
      .then(function (response) { return response.json(); })
      .then(function (outlines) {
        L.geoJSON(outlines, {
          interactive: false,
          style: { color: "#6a6af4", weight: 1, fillColor: "#e3e3fd", fillOpacity: config.tile_url ? 0 : 0.5 },
        }).addTo(map);
      });
    var places = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    var counts = L.layerGroup();
    map.addLayer(places).addLayer(counts);
    var pending = null;

    function placeUrl(id) {
      return config.place_url.replace(/0\/$/, id + "/");
    }

    function query(bbox) {
      var params = [];
      if (bbox) params.push("bbox=" + bbox.toBBoxString());
      params.push("zoom=" + map.getZoom());
      if (config.filters) params.push(config.filters);
      return config.data_url + "?" + params.join("&");
    }

    function show(data) {
      places.clearLayers();
      counts.clearLayers();
      if (data.kind === "places") {
        places.addLayers(data.places.map(function (place) {
          return L.marker([place.lat, place.lon], { title: place.name, alt: place.name })
            .bindPopup(popup(place, placeUrl(place.id)));
        }));
      } else {
        var regional = map.getZoom() < REGION_ZOOM;
        (regional ? data.regions : data.departements).forEach(function (group) {
          counts.addLayer(countMarker(group, map, regional ? REGION_ZOOM : config.detail_zoom));
        });
      }
    }

    function load() {
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(query(map.getBounds()), { signal: pending.signal })
        .then(function (response) { return response.json(); })
        .then(show)
        .catch(function (error) { if (error.name !== "AbortError") throw error; });
    }

    map.on("moveend", load);
    if (config.point) {
      L.circleMarker(config.point, { radius: 8, color: "#000091", interactive: false }).addTo(map);
      map.setView(config.point, 11);
    } else if (/(^|&)(departement|region)=/.test(config.filters)) {
      // An embedded map of one territory opens on its places.
      fetch(query(null)).then(function (response) { return response.json(); }).then(function (data) {
        var points = (data.kind === "places" ? data.places : data.departements).map(function (p) {
          return [p.lat, p.lon];
        });
        if (points.length) map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
        else map.fitBounds(FRANCE);
      });
    } else {
      map.fitBounds(FRANCE);
    }
  }

  function start() {
    nearMe();
    startMap();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
