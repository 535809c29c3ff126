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

  function isEnter(event) {
    var key = event.originalEvent && event.originalEvent.key;
    return key === "Enter" || key === " ";
  }

  // Leaflet's interface in French (its own texts are in English).
  function frenchControls(map) {
    L.control.zoom({
      zoomInTitle: "Zoom avant", zoomInText: "<span aria-hidden=\"true\">+</span>",
      zoomOutTitle: "Zoom arrière", zoomOutText: "<span aria-hidden=\"true\">−</span>",
    }).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", "Fermer la bulle");
        close.title = "Fermer la bulle";
      }
    });
  }

  // A marker drawn as HTML (counts, clusters): its name is read by screen readers and shown
  // on hover; the number drawn in it is hidden from them (the name says it).
  var LabelledIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var element = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      element.setAttribute("aria-label", this.options.label);
      element.title = this.options.label;
      element.setAttribute("role", "button");
      return element;
    },
  });

  function listItem(id) {
    return document.querySelector("#place-list > li[data-place-id=\"" + id + "\"]");
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
    var item = listItem(place.id);
    if (item) {
      // Back to the same place in the list, for keyboard and screen reader users.
      var back = document.createElement("button");
      back.type = "button";
      back.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm cnfs-map-back";
      back.textContent = "Revenir à ce lieu dans la liste";
      back.addEventListener("click", function () {
        item.querySelector("h3 a").focus();
      });
      box.appendChild(document.createElement("br"));
      box.appendChild(back);
    }
    return box;
  }

  function countMarker(group, map, zoomTo) {
    var size = Math.round(28 + Math.min(36, Math.sqrt(group.count) * 3));
    var label = group.name + " : " + plural(group.count, "lieu", "lieux") + " (agrandir la carte)";
    var icon = new LabelledIcon({
      className: "cnfs-map-count",
      html: "<span aria-hidden=\"true\">" + group.count + "</span>",
      iconSize: [size, size],
      label: label,
    });
    var marker = L.marker([group.lat, group.lon], { icon: icon });
    function zoom() { map.setView([group.lat, group.lon], zoomTo); }
    marker.on("click", zoom);
    marker.on("keypress", function (event) { if (isEnter(event)) zoom(); });
    return marker;
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var names = cluster.getAllChildMarkers().map(function (m) { return m.options.title; });
    var shown = names.slice(0, 3).join(", ") + (names.length > 3 ? "…" : "");
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    return new LabelledIcon({
      html: "<div><span aria-hidden=\"true\">" + count + "</span></div>",
      className: "marker-cluster marker-cluster-" + size,
      iconSize: new L.Point(40, 40),
      label: "Groupe de " + plural(count, "lieu", "lieux") + " : " + shown + " (agrandir la carte)",
    });
  }

  function startMap() {
    var element = document.getElementById("places-map");
    var configElement = document.getElementById("map-config");
    if (!element || !configElement || !window.L) return;
    var config = JSON.parse(configElement.textContent);
    var map = L.map(element, { minZoom: 2, maxZoom: 18, zoomControl: false });
    frenchControls(map);
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
    var places = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 50, iconCreateFunction: clusterIcon,
    });
    places.on("clusterkeypress", function (event) {
      if (isEnter(event)) event.layer.zoomToBounds({ padding: [20, 20] });
    });
    var counts = L.layerGroup();
    map.addLayer(places).addLayer(counts);
    var pending = null;
    var markers = {}; // place id → its marker
    var waiting = null; // a place of the list to show once the map has loaded its markers

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
      markers = {};
      if (data.kind === "places") {
        places.addLayers(data.places.map(function (place) {
          var marker = L.marker([place.lat, place.lon], { title: place.name, alt: place.name })
            .bindPopup(popup(place, placeUrl(place.id)));
          marker.on("add", function () {
            marker.getElement().setAttribute("aria-label", place.name + ", " + place.commune);
          });
          markers[place.id] = marker;
          return marker;
        }));
        if (waiting !== null) reveal(waiting);
      } else {
        var regional = map.getZoom() < REGION_ZOOM;
        (regional ? data.regions : data.departements).forEach(function (group) {
          counts.addLayer(countMarker(group, map, regional ? REGION_ZOOM : config.detail_zoom));
        });
      }
    }

    var loaded = null; // the bounds whose places are all drawn (zooming in there: no fetch)

    function load() {
      if (loaded && loaded.contains(map.getBounds())) {
        if (waiting !== null) reveal(waiting);
        return;
      }
      loaded = null;
      if (pending) pending.abort();
      pending = new AbortController();
      var bounds = map.getBounds();
      fetch(query(bounds), { signal: pending.signal })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          loaded = data.kind === "places" ? bounds : null;
          show(data);
        })
        .catch(function (error) { if (error.name !== "AbortError") throw error; });
    }

    // From the list to the map: show the place's marker, open its bubble and focus it.
    function reveal(id) {
      var marker = markers[id];
      if (!marker) return;
      waiting = null;
      places.zoomToShowLayer(marker, function () {
        marker.openPopup();
        var icon = marker.getElement();
        if (icon) icon.focus();
      });
    }

    document.querySelectorAll("#place-list > li[data-place-id]").forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fr-btn fr-btn--tertiary fr-btn--sm fr-icon-map-pin-2-line fr-btn--icon-left fr-mt-1w";
      button.textContent = "Voir sur la carte";
      button.setAttribute("aria-describedby", item.querySelector("h3").id);
      button.addEventListener("click", function () {
        var id = Number(item.dataset.placeId);
        waiting = id;
        var point = [Number(item.dataset.lat), Number(item.dataset.lon)];
        // Moving fires "moveend", whose load shows the marker (at once when already drawn).
        map.setView(point, Math.max(map.getZoom(), config.detail_zoom + 4), { animate: false });
      });
      item.appendChild(button);
    });

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
