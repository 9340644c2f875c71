/* Maps without a tile server: district boundaries (GeoJSON) and points on a plain background.
   Progressive enhancement: every map has a list or form fields that work without it. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function fetchJSON(url) {
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (r) { return r.json(); });
  }

  function init(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: false });
    var bounds = null;
    var districts = el.getAttribute("data-districts");
    var points = el.getAttribute("data-points");
    var places = el.getAttribute("data-institutions");
    var pick = el.getAttribute("data-pick");
    var loads = [];
    el.classList.add("map-ready");
    if (districts) {
      loads.push(fetchJSON(districts).then(function (geo) {
        var layer = L.geoJSON(geo, {
          style: { color: "#1f5fa8", weight: 2, fillColor: "#dfe9f5", fillOpacity: 0.5 },
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "district-label" }); }
        }).addTo(map);
        bounds = layer.getBounds();
      }));
    }
    if (places) {
      loads.push(fetchJSON(places).then(function (geo) {
        L.geoJSON(geo, {
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 6, weight: 2, color: "#5b3a00", fillColor: "#ffbf47", fillOpacity: 1 });
          },
          onEachFeature: function (f, l) {
            var a = document.createElement("a"); a.href = f.properties.url; a.textContent = f.properties.title;
            l.bindPopup(a);
          }
        }).addTo(map);
      }));
    }
    if (points) {
      loads.push(fetchJSON(points).then(function (geo) {
        var group = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 }) : null;
        var layer = L.geoJSON(geo, {
          pointToLayer: function (f, latlng) {
            var overdue = f.properties.overdue;
            return L.circleMarker(latlng, { radius: 7, weight: 2, color: overdue ? "#a4262c" : "#164579", fillColor: overdue ? "#f4c7c9" : "#7fa9dc", fillOpacity: 0.9 });
          },
          onEachFeature: function (f, l) {
            var a = document.createElement("a");
            a.href = f.properties.url; a.textContent = f.properties.title;
            var box = document.createElement("div"); box.appendChild(a);
            var meta = document.createElement("div"); meta.textContent = f.properties.status; box.appendChild(meta);
            l.bindPopup(box);
          }
        });
        if (group) { group.addLayer(layer); group.addTo(map); } else { layer.addTo(map); }
        if (!bounds && layer.getLayers().length) { bounds = layer.getBounds(); }
      }));
    }
    Promise.all(loads).then(function () {
      if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.setView([57.0, 41.0], 11); }
    });
    if (pick) {
      var ids = pick.split(",");
      var lat = document.getElementById(ids[0]), lon = document.getElementById(ids[1]);
      var marker = null;
      var place = function (latlng) {
        if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      };
      if (lat && lon && lat.value && lon.value) { place([parseFloat(lat.value), parseFloat(lon.value)]); }
      map.on("click", function (e) {
        place(e.latlng);
        lat.value = e.latlng.lat.toFixed(6);
        lon.value = e.latlng.lng.toFixed(6);
      });
    }
  }

  document.querySelectorAll("[data-map]").forEach(init);
})();
